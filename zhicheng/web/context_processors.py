"""What every page's top bar needs: the current campaign, the user's organisation and roles."""


def shell(request) -> dict:
    return {}
