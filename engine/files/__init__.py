"""Files users send, judged by their bytes: what they are and how long they play.

Telegram's message says a file's kind, mime type, size and duration, but the sending client
chooses all of them. Whatever a price or a check rests on is read from the file itself.
"""
