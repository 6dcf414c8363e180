"""Spoken answers: recognising and decoding recordings, detecting the voice
in them, and speech-to-text services."""
