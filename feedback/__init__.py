"""Reader feedback ("Question? Comment? Typo?"): submissions, the review queue and the editors' triage."""
