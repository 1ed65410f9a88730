from .selectors import Bell


def bell(request) -> dict:
    user = getattr(request, "user", None)
    return {"zc_bell": Bell(user) if user is not None and user.is_authenticated else None}
