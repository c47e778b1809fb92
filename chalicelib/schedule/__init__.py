"""The schedule: its model and loader (read by the schedule formats), and the import of foreign
``schedule.xml`` files (``parse`` reads them, ``importer`` stores them)."""
