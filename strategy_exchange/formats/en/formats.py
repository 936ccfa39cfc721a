# English dates: "12 January 2027", "12 January 2027, 10:00" (24-hour clock, as in German public bodies).
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
