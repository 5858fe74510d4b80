"""Help for editors curating the directory: old addresses, duplicates, merges."""
