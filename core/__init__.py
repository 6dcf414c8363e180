"""darasa's business core: domain types, use cases and the ports they need.

Nothing here imports Flask, SQLAlchemy, Redis or any other adapter; the only
way out of the core is through the protocols in ``core.ports``.
"""
