window.RBC_SEARCH_INDEX = {"v":1,"n":2,"d":[0],"t":[""]};
