"""Reading content: discover files, split front matter, parse dates, render
and sanitise bodies, and build one `Document` per file."""
