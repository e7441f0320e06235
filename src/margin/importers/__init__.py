"""Importers: one module per source format, each turning foreign text into margin notes.

`papers` reads a stream of paper reviews (a chat channel, a newsletter, a long document) into
Review values; `write_notes` turns those values into note files under content/<section>/.
"""
