"""Symptom search: documents from the atlas, the Whoosh index behind one module, and query understanding."""
