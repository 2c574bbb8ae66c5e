"""What staff read across learners: the group overview, reports and printable plans."""
