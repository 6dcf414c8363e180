"""AI coach adapters: the built-in offline coach and remote providers."""
