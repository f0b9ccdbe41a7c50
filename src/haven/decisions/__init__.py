"""Decisions: the stored outcome for one piece of content, written once and amended by new
records (a human review, an appeal), never edited in place. One record feeds the statement of
reasons (DSA Art. 17), the Transparency Database export and the transparency report."""
