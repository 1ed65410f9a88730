"""Project-wide pytest fixtures live in zhicheng/conftest.py; this file marks the project root."""
