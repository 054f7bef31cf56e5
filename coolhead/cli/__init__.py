"""The ``coolhead`` command: one module per subcommand, registered in ``main``."""
