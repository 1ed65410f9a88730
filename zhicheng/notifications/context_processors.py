from .selectors import Bell


def bell(request) -> dict:
    if getattr(request, "zc_public", False):  # a cacheable public page reads no user
        return {"zc_bell": None}
    user = getattr(request, "user", None)
    return {"zc_bell": Bell(user) if user is not None and user.is_authenticated else None}
