"""Brand safety for advertisers: a GARM category and risk tier for every decision, advertisers'
inventory filters, the "may campaign X run next to video Y" check, and campaign reports."""
