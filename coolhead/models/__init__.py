"""Finding, checking, downloading and loading speech models (offline: nothing here reaches the
network except ``coolhead models pull``)."""
