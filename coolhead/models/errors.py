"""The error every model problem becomes: one line naming the path and what is wrong."""


class ModelError(Exception):
    """A model that cannot be found, checked, downloaded or loaded."""
