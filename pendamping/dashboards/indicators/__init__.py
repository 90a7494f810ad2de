"""The dashboards' indicators, one module per area of the program. Each function takes the user, an Area and a
Period and counts in the database; each number comes with the URL of the list behind it."""
