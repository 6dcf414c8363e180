"""The Flask edge: the generic action endpoint, auth routes, pages, OpenAPI."""
