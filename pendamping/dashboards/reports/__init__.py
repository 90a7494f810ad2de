"""The monthly regency report and the quarterly province report: what they hold (content), and how it is
written as PDF (pdf) and XLSX (xlsx)."""
