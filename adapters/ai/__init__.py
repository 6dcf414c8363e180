"""AI coach adapters: implementations of the ``core.ports.Coach`` port."""
