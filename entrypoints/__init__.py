"""Entrypoints: configuration, the dependency-injector container, the WSGI
app factory and the command line. The only place that knows every adapter."""
