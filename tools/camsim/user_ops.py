"""Device service user management: GetUsers, CreateUsers, SetUser, DeleteUsers.

Passwords are stored, checked and never sent back. Fault subcodes follow the ONVIF core
specification (OperationProhibited/PasswordTooWeak, InvalidArgVal/UsernameMissing, ...).
"""

import logging
import string

from .config import USER_LEVELS
from .registry import operation
from .soap import SoapFault
from .xmlutil import TDS, children, sub, text, tt

LOG = logging.getLogger("camsim.users")

MAX_USERS = 32
MAX_USERNAME = 32


def _password_classes(password):
    """How many of lower case, upper case, digits and other characters a password uses."""
    kinds = set()
    for char in password:
        kinds.add("lower" if char in string.ascii_lowercase else "upper" if char in string.ascii_uppercase
                  else "digit" if char in string.digits else "other")
    return len(kinds)


def password_problem(camera, password, username=None):
    """Why ``password`` breaks the camera's password policy (a sentence), or None. Used by
    the vendor APIs (ISAPI, VAPIX, Dahua), which answer in their own formats."""
    policy = camera.personality.get("password_policy") or {}
    if len(password) > policy.get("max_length", 64):
        return "the password is longer than %d characters" % policy.get("max_length", 64)
    if len(password) < policy.get("min_length", 1):
        return "the password is shorter than %d characters" % policy.get("min_length", 1)
    if _password_classes(password) < policy.get("min_classes", 1):
        return "the password needs %d kinds of characters" % policy.get("min_classes", 1)
    forbidden = sorted(set(password) & set(policy.get("forbidden", "")))
    if forbidden:
        return "the password contains %s" % " ".join(forbidden)
    if username and policy.get("min_classes", 1) > 1 and password.lower() in (username.lower(), username.lower()[::-1]):
        return "the password equals the user name"
    return None


def check_password(camera, password):
    """Raise the camera's fault when ``password`` breaks its password policy."""
    policy = camera.personality.get("password_policy") or {}
    if len(password) > policy.get("max_length", 64):
        raise SoapFault("OperationProhibited", "PasswordTooLong", reason="The password is too long")
    if len(password) < policy.get("min_length", 1) or _password_classes(password) < policy.get("min_classes", 1):
        raise SoapFault("OperationProhibited", "PasswordTooWeak", reason="Too weak password.")


def _requested_users(request, need_password):
    users = []
    for element in children(request, "User"):
        username = text(element, "Username", "")
        password = text(element, "Password")
        level = text(element, "UserLevel", "")
        if not username:
            raise SoapFault("OperationProhibited", "UsernameTooShort", reason="The username is too short")
        if len(username) > MAX_USERNAME:
            raise SoapFault("OperationProhibited", "UsernameTooLong", reason="The username is too long")
        if level not in USER_LEVELS:
            raise SoapFault("InvalidArgVal", reason="Unknown UserLevel %r" % level)
        if need_password and password is None:
            raise SoapFault("OperationProhibited", "PasswordTooWeak", reason="Too weak password.")
        users.append({"username": username, "password": password, "level": level})
    if not users:
        raise SoapFault("InvalidArgs", reason="No User given")
    return users


def _administrators(users):
    return sum(1 for user in users if user["level"] == "Administrator")


def _refuse_if_no_admin_left(users):
    if _administrators(users) == 0:
        raise SoapFault("InvalidArgVal", "FixedUser",
                        reason="The last Administrator cannot be removed or demoted")


@operation(TDS, "GetUsers", level="Administrator")
def get_users(ctx, request):
    response = ctx.respond()
    hidden = ctx.camera.personality["factory_user"] if ctx.camera.quirks.get("get_users_hides_factory") else None
    for user in ctx.camera.users:
        if user["username"] == hidden:
            continue  # the factory account is not listed, yet it still logs in (quirk)
        element = sub(response, TDS, "User")
        tt(element, "Username", user["username"])
        tt(element, "UserLevel", user["level"])


@operation(TDS, "CreateUsers", level="Administrator")
def create_users(ctx, request):
    camera = ctx.camera
    new = _requested_users(request, need_password=True)
    names = [u["username"] for u in new]
    for user in new:
        if camera.find_user(user["username"]) or names.count(user["username"]) > 1:
            raise SoapFault("OperationProhibited", "UsernameClash", reason="Username already exists")
        check_password(camera, user["password"])
    if len(camera.users) + len(new) > MAX_USERS:
        raise SoapFault("OperationProhibited", "TooManyUsers", reason="Maximum number of users reached")
    activating = not camera.activated
    if activating and _administrators(new) == 0:
        raise SoapFault("InvalidArgVal", reason="The first user must be an Administrator")
    camera.users.extend(new)
    if activating:
        LOG.info("%s: activated (first Administrator %s)", camera.name, names[0])
    camera.changed()
    ctx.respond()


@operation(TDS, "SetUser", level="Administrator")
def set_user(ctx, request):
    camera = ctx.camera
    changes = _requested_users(request, need_password=False)
    updated = [dict(u) for u in camera.users]
    for change in changes:
        target = next((u for u in updated if u["username"] == change["username"]), None)
        if target is None:
            raise SoapFault("InvalidArgVal", "UsernameMissing", reason="Username NOT recognized.")
        if change["password"] is not None:
            check_password(camera, change["password"])
            target["password"] = change["password"]
        target["level"] = change["level"]
    _refuse_if_no_admin_left(updated)
    camera.users[:] = updated
    camera.changed()
    ctx.respond()


@operation(TDS, "DeleteUsers", level="Administrator")
def delete_users(ctx, request):
    camera = ctx.camera
    names = [e.text.strip() for e in children(request, "Username") if e.text and e.text.strip()]
    if not names:
        raise SoapFault("InvalidArgs", reason="No Username given")
    for name in names:
        if camera.find_user(name) is None:
            raise SoapFault("InvalidArgVal", "UsernameMissing", reason="Username NOT recognized.")
    remaining = [u for u in camera.users if u["username"] not in names]
    _refuse_if_no_admin_left(remaining)
    camera.users[:] = remaining
    camera.changed()
    ctx.respond()
