"""Writers: a :class:`polyletter.letter.Letter` out to PO, Markdown and DOCX."""
