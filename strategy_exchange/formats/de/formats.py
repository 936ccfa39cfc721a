# German dates as the application writes them: "12. Januar 2027", "12. Januar 2027, 10:00".
DATE_FORMAT = "j. F Y"
DATETIME_FORMAT = "j. F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
