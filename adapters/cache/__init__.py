"""Tag caches: reads cached under tags, invalidated by bumping tag versions."""
