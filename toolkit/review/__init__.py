"""What happens to a found event once a person looks at it.

Owns proposals and review decisions with their audit trail (`proposals`), accepted events and
their iCalendar export (`events`), and the assistant's draft messages (`agent`). Imports
`store` and the base modules.
"""
