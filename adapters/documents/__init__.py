"""The documents port: the text of an uploaded file (PDF, DOCX, plain text),
read in this process within limits."""
