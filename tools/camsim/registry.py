"""The table of implemented ONVIF operations, filled by the ``*_ops`` modules."""

from dataclasses import dataclass

from .xmlutil import sub


@dataclass(frozen=True)
class Operation:
    namespace: str
    name: str
    handler: object
    level: str  # the lowest user level allowed to call it


OPERATIONS = {}


def operation(namespace, name, level="User"):
    """Register ``handler(ctx, request_element)`` for the body element ``{namespace}name``."""

    def register(handler):
        OPERATIONS[(namespace, name)] = Operation(namespace, name, handler, level)
        return handler

    return register


def lookup(namespace, name):
    return OPERATIONS.get((namespace, name))


class OpContext:
    """What a handler gets: the camera, the authenticated user (None for pre-auth calls),
    the HTTP request and the response Body to fill."""

    def __init__(self, camera, user, request, body, op):
        self.camera = camera
        self.user = user
        self.request = request
        self.body = body
        self.op = op
        #: set by a handler to run something once the answer is on the wire (reboot)
        self.after_response = None

    def respond(self, name=None):
        """Append the response element (``<OperationName>Response`` by default)."""
        return sub(self.body, self.op.namespace, name or self.op.name + "Response")
