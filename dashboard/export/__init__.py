"""Files made from a view: CSV and XLSX of the operations, and the data dictionary they carry."""
