"""Writers: a :class:`polyletter.document.letter.Letter` out to PO, Markdown and DOCX."""
