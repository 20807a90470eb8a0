//! Shell command structure of RUN instructions, for rules (filled by the rule pack work).
