"""The staff's versions of the data: every published version and every attempt in a database (``db``), the
workbook they download and upload (``workbook``), what a draft is checked against and changes (``draft``)."""
