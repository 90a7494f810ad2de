"""Printable and downloadable reports of the companion model's steps."""
