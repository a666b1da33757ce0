"""The Streamlit workshop front end: one page per question a user brings.

``main()`` draws the shell (language, page) and calls the chosen page; each page
module has ``*_ui()`` functions that draw inputs and return the user's choices, and
a ``*_page()`` function that calls the library with them and draws the answer.
Values live in ``st.session_state`` under the keys of :mod:`.state`.
"""
