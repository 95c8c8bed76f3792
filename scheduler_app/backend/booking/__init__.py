"""Booking pages: event types a user publishes, public slot listings, bookings and their manage links.

Free time comes from the availability engine (`backend/scheduling/`); see docs/decisions/0008.
"""
