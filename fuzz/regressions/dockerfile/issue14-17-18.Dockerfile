FROM alpine AS a
RUN wget x
RUN curl y
USER 00
# stockade ignore=DF0036
RUN curl z
