"""The administrator's SLA pages, one module per page group: business calendars and SLA
policies (list, page, new, edit). Agents read them; only administrators are offered the
forms; requesters get the page an unknown address gets."""
