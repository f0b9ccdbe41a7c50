"""DSA transparency: statements of reasons for the Commission's Transparency Database
(Art. 24(5)), and later the Art. 15/24 reports."""
