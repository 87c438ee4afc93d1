"""Declarations in and out of firms' own systems (ERP): one XML format with a published XSD and one
Excel workbook, both carrying the one table's fields by their catalogue names (declarations/fields.py)."""
