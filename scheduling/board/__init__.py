"""The dispatcher's day board: a page and its API over the scheduling data of one region's day."""
