"""Finding and repeating: search by name, favourites, recent runs, each user's time zone."""
