"""The explorer: drives a running bot like a very thorough user and reports what broke.

It knows nothing of Telegram, plug-ins or emulators: a ``Driver`` (see ``driver.py``) does the
talking, the crawler decides what to try, the report says which path of presses led where.
"""
