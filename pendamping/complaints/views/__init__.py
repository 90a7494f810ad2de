"""Complaint pages: the public ones (public.py), the office's (office.py) and panels on other apps' pages."""
