"""A realistic demo data set (Shanghai) a newcomer can click through."""
