"""The content model: articles' front matter, the vocabulary of body areas and muscles, and the checker."""
