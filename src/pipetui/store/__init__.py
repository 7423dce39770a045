"""The store: the only package that imports sqlmodel/sqlalchemy.

Rows become domain values here; nothing above this layer sees a session or a row.
"""
