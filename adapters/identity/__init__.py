"""Who is calling: local accounts (argon2 password hashes, keyed session
token digests, sessions in storage) and Clerk session tokens."""
