"""staff templates and template years: a template makes either a learner's plan or a staff plan,
and suits a set of group years instead of one

Revision ID: 0016
Revises: 0015
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'plan_template_year',
        sa.Column('template_id', sa.Integer(), nullable=False),
        sa.Column('year_label', sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(['template_id'], ['plan_template.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('template_id', 'year_label'),
    )
    # Each template's one year becomes the first of its set.
    op.execute(
        "INSERT INTO plan_template_year (template_id, year_label) "
        "SELECT id, year_label FROM plan_template WHERE year_label <> ''"
    )
    # Plain ALTER TABLE, not a batch copy: on SQLite (foreign keys on) a copy drops the old table,
    # and with it every template's items and years through their ON DELETE CASCADE.
    # Every template so far was made from a learner's plan.
    op.add_column(
        'plan_template',
        sa.Column('plan_kind', sa.String(length=10), nullable=False, server_default='learner'),
    )
    op.drop_column('plan_template', 'year_label')


def downgrade() -> None:
    op.add_column(
        'plan_template',
        sa.Column('year_label', sa.String(length=50), nullable=False, server_default=''),
    )
    # Back to one year per template: the first by name.
    op.execute(
        "UPDATE plan_template SET year_label = COALESCE((SELECT min(y.year_label) "
        "FROM plan_template_year y WHERE y.template_id = plan_template.id), '')"
    )
    op.drop_column('plan_template', 'plan_kind')
    op.drop_table('plan_template_year')
