"""Spreadsheets: a department's quarter as a workbook template, and reading one back as updates."""
